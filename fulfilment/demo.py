"""A believable demo warehouse, produced by the services so its history is real."""


class DemoDataRefused(Exception):
    pass


def build_demo_warehouse():
    raise DemoDataRefused("Demo data is not available yet.")
