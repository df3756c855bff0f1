"""The cases screens: the case list, opening a case, the case view, review and decision."""
