"""Blocks other apps add to a relation's General tab (staff.panels)."""

from staff.panels import PanelRegistry

relation_panels = PanelRegistry("relation")
