"""Signals accounts sends, so apps above it react without accounts importing them."""

from django.dispatch import Signal

# Sent inside the transaction that deletes a member of the public's account, before the user
# row goes: receivers remove or unlink that person's data. Arguments: user_id (int).
user_deleting = Signal()
