"""experimental(): warn that an API may still change."""
import warnings


def experimental(api_name):
    """Issue a :class:`FutureWarning` saying that ``api_name`` is experimental.

    Call it at the top of a function (or a class's ``__init__``) whose
    interface may still change. Setting
    ``teachgrad.disable_experimental_feature_warning = True`` silences it.

    >>> import warnings
    >>> def f():
    ...     experimental('mypackage.f')
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter('always')
    ...     f()
    >>> caught[0].category.__name__, str(caught[0].message)
    ('FutureWarning', 'mypackage.f is experimental. The interface can change in the future.')
    """
    if not isinstance(api_name, str):
        raise TypeError('experimental() takes the name of the API as a string, for example '
                        "experimental('mypackage.f'), not {}".format(type(api_name).__name__))
    import teachgrad
    if not teachgrad.disable_experimental_feature_warning:
        warnings.warn('{} is experimental. The interface can change in the future.'.format(
            api_name), FutureWarning, stacklevel=2)
