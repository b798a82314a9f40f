from django import template

from xaso.core.crypto import mask

register = template.Library()


@register.filter
def masked_id(value: str) -> str:
    return mask(value)


@register.filter
def masked_phone(value: str) -> str:
    return mask(value, 3, 2)
