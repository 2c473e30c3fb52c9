from django.urls import path

from hub.accounts import views

app_name = "people"

# Under /people/: curators' and admins' pages. Kept out of /accounts/ so that the
# two-factor requirement for staff applies to them.
urlpatterns = [
    path("", views.people, name="list"),
    path("<int:pk>/roles/", views.person_roles, name="roles"),
    path("requests/<int:pk>/", views.practitioner_decide, name="decide"),
    path("allow-list/", views.allow_list, name="allow_list"),
    path("allow-list/<int:pk>/remove/", views.allow_list_remove, name="allow_list_remove"),
]
