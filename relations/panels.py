"""Blocks other apps add to a relation's General and History tabs (staff.panels)."""

from staff.panels import PanelRegistry

relation_panels = PanelRegistry("relation")
relation_history_panels = PanelRegistry("relation-history")
