"""Webshop platform connectors behind one interface (see base.ShopConnector)."""

from fulfilment.services.connectors.shopify import ShopifyConnector
from fulfilment.services.connectors.woocommerce import WooCommerceConnector

CONNECTORS = {connector.platform: connector for connector in (WooCommerceConnector, ShopifyConnector)}

