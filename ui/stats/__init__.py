"""Supervisor: the NRM statistics window (`dialog`) and its bar chart (`chart`)."""
