"""The staff's back office, web-independent part: the menu per role and the view models the
back-office templates read (``ui/templates/equipe/``)."""
