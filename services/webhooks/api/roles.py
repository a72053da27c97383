"""Who the webhooks routes admit: the only place ``require_roles`` is called.

Admin always passes (kernel rule); whose subscriptions a caller sees is ``domain/access.py``'s
rule. The certificate status feed is public.
"""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

# Subscribes endpoints and manages its own subscriptions and their deliveries: partner.
SubscriptionManager = Annotated[Principal, Depends(require_roles(Role.partner))]
# Reads the delivery totals across every partner: admin only.
DeliveryStatsReader = Annotated[Principal, Depends(require_roles(Role.admin))]
