"""The application layer shared by the web (``api``) and the command line (``cli``): settings,
the one template environment, the view models pages read, and the use cases both call."""
