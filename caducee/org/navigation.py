from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        label=_("Organisation"),
        order=80,
        items=[
            MenuItem(_("People"), "org:person_list", "org.view_person"),
            MenuItem(_("Care units"), "org:careunit_list", "org.view_careunit"),
            MenuItem(_("Services"), "org:service_list", "org.view_service"),
            MenuItem(_("Poles"), "org:pole_list", "org.view_pole"),
            MenuItem(_("Teams"), "org:team_list", "org.view_team"),
            MenuItem(_("Establishments"), "org:establishment_list", "org.view_establishment"),
            MenuItem(_("Sites"), "org:site_list", "org.view_site"),
            MenuItem(_("Buildings"), "org:building_list", "org.view_building"),
            MenuItem(_("Floors"), "org:floor_list", "org.view_floor"),
            MenuItem(_("Rooms"), "org:room_list", "org.view_room"),
            MenuItem(_("Shifts"), "org:shiftdefinition_list", "org.view_shiftdefinition"),
            MenuItem(_("Jobs"), "org:job_list", "org.view_job"),
            MenuItem(_("Hospital groups"), "org:hospitalgroup_list", "org.view_hospitalgroup"),
        ],
    )
]
