"""How an employer is named in other resources' API answers (a vacancy's ``employer``)."""

from __future__ import annotations

from rest_framework import serializers

from common.api import absolute
from employers.models import Employer


class EmployerRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The employer's page.")

    class Meta:
        model = Employer
        fields = ["slug", "name", "sector", "verified", "url"]

    def get_url(self, obj: Employer) -> str:
        return absolute(obj.get_absolute_url())
