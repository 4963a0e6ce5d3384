"""Form pieces for a vacancy's care-sector facts, shared by the employer editor and the admin."""

from __future__ import annotations

from django import forms

from listings.models import ShiftPattern, mask_to_shifts, shifts_to_mask


class ShiftPatternsField(forms.MultipleChoiceField):
    """Shift patterns as tick boxes; cleaned to the bitmask ``Vacancy.shifts`` stores."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=ShiftPattern.choices, required=False, **kwargs)

    def prepare_value(self, value):
        return mask_to_shifts(value) if isinstance(value, int) else value

    def clean(self, value) -> int:
        return shifts_to_mask(super().clean(value))

    def has_changed(self, initial, data) -> bool:
        return super().has_changed(self.prepare_value(initial), data)


class NotStatedSelect(forms.NullBooleanSelect):
    """Yes / no, or "not stated" (the advert says nothing either way)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Not stated"), ("true", "Yes"), ("false", "No")]
