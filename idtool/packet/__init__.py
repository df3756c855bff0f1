"""The referral packet: one PDF per recipient, produced into memory.

- `content`: what the packet shows, gathered in the packet's language, data minimised;
- `wording`: the per-language texts (Jinja2 templates under `resources/templates/referral/`);
- `pdf`: the layout (ReportLab), reusing the certificate's fonts and its page for the copy;
- `produce`: `make_and_render` (record a referral and its packet) and `packet_pdf` (again).
"""

from idtool.packet.produce import Packet, make_and_render, packet_pdf

__all__ = ["Packet", "make_and_render", "packet_pdf"]
