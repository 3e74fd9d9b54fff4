"""Role and permission changes raise the data's version (portal/core/dataversion.py): a user's
role and permissions are read from the figures cache (portal.core.roles.user_role,
portal.accounts.auth), and must change at once when a group or a permission does."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_data_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        track_changes(
            "auth_user_groups",
            "auth_group",
            "auth_group_permissions",
            "auth_user_user_permissions",
            "auth_permission",
        )
    ]
