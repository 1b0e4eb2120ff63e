"""Who keeps the register and decides (until the permission layer of `accounts` holds this as data)."""

from chungsuc.accounts.models import Role

# The province: programme office and province administrator.
PROVINCE_ROLES = {Role.PROGRAMME_OFFICE, Role.PROVINCE_ADMIN}
