from django import template

from xaso.core.crypto import mask, mask_address, mask_phone
from xaso.core.selectors import unread_notifications

register = template.Library()


@register.filter
def masked_id(value: str) -> str:
    return mask(value)


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value)


@register.filter
def masked_address(household) -> str:
    return mask_address(household.address, household.street)


@register.simple_tag
def unread_notification_count(user) -> int:
    """How many unread notifications the bell in the page header shows (one COUNT query)."""
    return unread_notifications(user).count()
