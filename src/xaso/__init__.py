"""xaso — xã số: the digital government of a Vietnamese commune or ward."""

__version__ = "0.1.0"
