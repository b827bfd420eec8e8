"""iom: Integrated Offender Management for police, probation, youth justice and partners."""

__version__ = "0.1.0"
