"""Blocks other apps add to a contact's page (staff.panels): in its main column and its side column."""

from staff.panels import PanelRegistry

contact_panels = PanelRegistry("contact")
contact_aside_panels = PanelRegistry("contact-aside")
