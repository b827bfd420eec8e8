"""What a service raises when a change cannot be made as asked; the message says why, in words a
member of staff can act on, and the view shows it beside the form."""


class NotAllowed(ValueError):
    """The change cannot be made in the record's present state."""
