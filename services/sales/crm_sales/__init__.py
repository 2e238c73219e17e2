"""The sales service: leads, opportunities, pipelines, quotes, orders, forecast."""
