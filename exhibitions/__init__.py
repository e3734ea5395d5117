"""School exhibitions against discrimination: schools (UAI, level, éducation prioritaire),
exhibitions and their physical copies, showings (bookings), and the coverage of the priority
schools around the QPV."""
