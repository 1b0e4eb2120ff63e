"""REST API of accounts: who am I, my memberships and my scope; organisations I may see."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.accounts import selectors
from chungsuc.accounts.models import Membership, Organisation
from chungsuc.core.api_errors import VietnameseErrorsMixin


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")

    class Meta:
        model = Membership
        fields = ["organisation", "organisation_name", "role"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    memberships = MembershipSerializer(many=True)
    unit_count = serializers.IntegerField(
        allow_null=True, help_text="Số đơn vị trong phạm vi; null = toàn bộ"
    )


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "active"]


class MeView(VietnameseErrorsMixin, APIView):
    """The authenticated user, their roles and the size of their scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        data = {
            "username": request.user.get_username(),
            "full_name": request.user.get_full_name(),
            "is_superuser": request.user.is_superuser,
            "memberships": request.user.memberships.filter(active=True).select_related("organisation"),
            "unit_count": None
            if request.user.is_superuser
            else selectors.visible_units(request.user).count(),
        }
        return Response(MeSerializer(data).data)


class MyOrganisationsView(VietnameseErrorsMixin, APIView):
    """The organisations the authenticated user belongs to."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OrganisationSerializer(many=True))
    def get(self, request):
        return Response(OrganisationSerializer(selectors.organisations_of(request.user), many=True).data)


ROOT_LINKS = {"me": "api:me"}
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/organisations/", MyOrganisationsView.as_view(), name="my-organisations"),
]
