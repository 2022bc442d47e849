"""An IQ estate built once per module and put back before each test.

Building an account in moto (buckets, keys, roles, functions, rules) is most of an IQ test's time, and
every "break one thing" case needs the same correct account to start from. So a module builds it once,
takes a snapshot of every moto backend and of the stubbed answers its session wrappers hold (the
Cognito pool, the API Gateway resources, ...), and each test starts from a fresh copy of that snapshot:
what one case breaks, the next does not see.

moto keeps each service's state in a BackendDict (account -> region -> backend object, plus a few
attributes of the dict itself); a deep copy of those is the whole state of the mock. Locks inside them
are not copyable, and a copy gets new ones; weak indexes point at the copies.
"""

from __future__ import annotations

import copy
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest
from moto import mock_aws

copy._deepcopy_dispatch.setdefault(type(threading.Lock()), lambda lock, memo: threading.Lock())
copy._deepcopy_dispatch.setdefault(type(threading.RLock()), lambda lock, memo: threading.RLock())


def _copy_weak_values(weak: weakref.WeakValueDictionary, memo: dict) -> weakref.WeakValueDictionary:
    # The standard copy keeps the original objects as values; moto indexes its own objects this way
    # (Lambda functions by ARN), so the copy must point at the copies, which the copied state keeps alive.
    return weakref.WeakValueDictionary({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in weak.items()})


copy._deepcopy_dispatch.setdefault(weakref.WeakValueDictionary, _copy_weak_values)


def _loaded_backends() -> dict[str, dict]:
    """Every moto service imported so far, by name (services never imported hold no state)."""
    from moto.backends import get_backend, list_of_moto_modules

    backends = {}
    for name in list_of_moto_modules():
        if f"moto.{name}.models" in sys.modules:
            try:
                backends[name] = get_backend(name)
            except AttributeError:  # a package of moto's that holds no backend (core, ...)
                continue
    return backends


def _wrappers(sessions: dict) -> Iterator[object]:
    """The session wrappers that answer some clients from stubbed data, each around the session it wraps."""
    for session in sessions.values():
        while hasattr(session, "_session") and not isinstance(session, boto3.Session):
            yield session
            session = session._session


def _fresh(session: boto3.Session) -> boto3.Session:
    """The same identity in a new boto3 session: event handlers a test registers die with its session."""
    credentials = session.get_credentials()
    return boto3.Session(aws_access_key_id=credentials.access_key, aws_secret_access_key=credentials.secret_key,
                         aws_session_token=credentials.token, region_name=session.region_name)


class Snapshot:
    def __init__(self, sessions: dict) -> None:
        # A break may put another session in the estate's dict; the next test gets the built ones back.
        self.sessions, self.entries = sessions, dict(sessions)
        # A BackendDict's own attributes hold state too (S3's bucket -> account map): copied with its items.
        self.backends = {name: copy.deepcopy((dict(backend), vars(backend))) for name, backend in _loaded_backends().items()}
        # The rest of a wrapper is the data it answers from; its cached clients are made again per test.
        self.stubs = [(w, copy.deepcopy({k: v for k, v in vars(w).items() if k not in ("_session", "_clients")}))
                      for w in _wrappers(sessions)]

    def restore(self) -> None:
        from moto.core.base_backend import BackendDict

        for name, backend in _loaded_backends().items():
            backend.clear()
            if name in self.backends:
                items, attributes = copy.deepcopy(self.backends[name])
                backend.update(items)
                vars(backend).update(attributes)
                # moto resets, when a mock ends, only the backends it has seen in use.
                if backend not in BackendDict._instances:
                    BackendDict._instances.append(backend)
        fresh: dict[int, boto3.Session] = {}

        def renewed(session):
            if not isinstance(session, boto3.Session):
                return session
            return fresh.setdefault(id(session), _fresh(session))

        for wrapper, saved in self.stubs:
            vars(wrapper).update(copy.deepcopy(saved))
            if "_clients" in vars(wrapper):
                wrapper._clients = {}
        for wrapper, _ in self.stubs:
            wrapper._session = renewed(wrapper._session)
        self.sessions.clear()
        self.sessions.update({key: renewed(value) for key, value in self.entries.items()})


def build_once(build) -> tuple[object, Snapshot]:
    """``build()`` -> (estate, sessions), run inside its own moto mock with the test credentials the IQ
    modules use; returns the estate and the snapshot taken of it (the mock itself ends, and is reset)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MOTO_ACCOUNT_ID"):
            mp.delenv(name, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        with mock_aws():
            estate, sessions = build()
            return estate, Snapshot(sessions)


@contextmanager
def restored(built: tuple[object, Snapshot]) -> Iterator[object]:
    """A moto mock holding a fresh copy of the snapshot, for one test."""
    estate, snapshot = built
    with mock_aws():
        snapshot.restore()
        yield estate
