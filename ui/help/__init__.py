"""Help inside the program: the user guide in the program's language, at the current screen."""
