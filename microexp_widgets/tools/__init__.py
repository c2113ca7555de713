"""Tools for developers, run from the command line: not used by the lessons."""
