"""What the app factory leaves behind in the process."""


def test_the_objects_start_up_built_are_kept_out_of_garbage_collections():
    import gc

    from fulfilment import create_app

    gc.unfreeze()
    create_app({"DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "test"})
    assert gc.get_freeze_count() > 10_000
