"""Demo contractants and logins, shared by `seed_demo`, `make run` output and the README."""

from dataclasses import dataclass

DEMO_PASSWORD = "Welkom-demo-2026"
PLATFORM_ADMIN = ("admin", "admin@platform.localhost")
# Portal logins in the supplier's environment (seeded by relations/demo.py).
PORTAL_ACCOUNTANT = "karin@boekhoudkantoor-jansen.nl"
PORTAL_ADMIN = "anna@bakkerijjansen.nl"
# A staff member of the supplier without administrator rights (no security log, for one).
SUPPLIER_COLLEAGUE = "medewerker@brightsoft.nl"


@dataclass(frozen=True)
class DemoContractant:
    name: str
    schema_name: str
    staff_email: str
    is_supplier: bool = False


DEMO_CONTRACTANTS = [
    DemoContractant("Brightsoft Support (leverancier)", "supplier", "staff@brightsoft.nl", is_supplier=True),
    DemoContractant("Bakkerij Jansen", "bakkerij_jansen", "beheer@bakkerijjansen.nl"),
    DemoContractant("Van Dijk Bouw", "van_dijk_bouw", "it@vandijkbouw.nl"),
    DemoContractant("Zorggroep De Linde", "zorggroep_de_linde", "ict@delinde.nl"),
]
