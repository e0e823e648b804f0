"""Inventory agents' messages, from bytes on the wire to one neutral structure.

``payload`` undoes the compression with a size cap, ``safexml`` reads XML
without DTDs, ``parse`` turns FusionInventory XML and GLPI Agent JSON into
``model.AgentMessage``/``model.Inventory``. Nothing here touches the
database: ``caducee.cmdb.services.inventory`` applies an inventory to the
CMDB and ``caducee.cmdb.views.inventory`` speaks HTTP to the agents.
"""

from caducee.cmdb.inventory.errors import PayloadError, PayloadTooLarge
from caducee.cmdb.inventory.model import (
    AgentMessage,
    Interface,
    Inventory,
    MessageFormat,
    MessageKind,
    SoftwareEntry,
)
from caducee.cmdb.inventory.parse import extract_inventory, parse_message
from caducee.cmdb.inventory.payload import Compression, compress, decompress, detect

__all__ = [
    "AgentMessage",
    "Compression",
    "Interface",
    "Inventory",
    "MessageFormat",
    "MessageKind",
    "PayloadError",
    "PayloadTooLarge",
    "SoftwareEntry",
    "compress",
    "decompress",
    "detect",
    "extract_inventory",
    "parse_message",
]
