"""Personal data on the wire: sealed with the person's own key, so erasing the key erases it.

A payload field marked ``personal`` (``Field(json_schema_extra=PERSONAL)``) never travels in
clear. Version 2 of each event with personal fields is version 1 without them, and the
envelope's ``sealed`` box carries them instead: their values as one JSON object, encrypted
with AES-256-GCM under the data key of the person the event is about (``key_id``: the ECT's
id, or the mentor's), with the event id as associated data (a box opens only in its own
event). ``data`` is base64url of the 12-byte nonce followed by the ciphertext and tag.

A consumer reads the fields while the key exists: it fetches the key (``GET
/privacy/keys/{key_id}`` on the producing platform, for a system token) and calls
``open_envelope``. Once the person is erased the key is gone for good (``410 Gone``), the
fields cannot be read by anyone, and ``open_envelope(envelope, None)`` gives the version 1
payload with every personal field shown as erased (text ``"(erased)"``, dates null) while
every other field (dates, counts, statuses) stays as it was.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import date
from functools import cache
from typing import Any, get_args
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import create_model

from contracts.base import PERSONAL, EventEnvelope, EventPayload, SealedBox

__all__ = ["ERASED", "PERSONAL", "SealError", "SealedBox", "open_envelope", "seal_envelope"]

ERASED = "(erased)"
"""How a personal text reads once its person's key is destroyed."""

KEY_BYTES = 32
_NONCE_BYTES = 12


class SealError(ValueError):
    """A box that does not open with the key given: the wrong key, or altered bytes."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(key: bytes, values: dict[str, Any], aad: bytes) -> str:
    """``values`` (JSON-ready) as a box's ``data``."""
    nonce = os.urandom(_NONCE_BYTES)
    plain = json.dumps(values, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, plain, aad)).decode()


def unseal(key: bytes, data: str, aad: bytes) -> dict[str, Any]:
    raw = base64.urlsafe_b64decode(data.encode())
    try:
        plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], aad)
    except Exception as exc:  # cryptography's InvalidTag says nothing more
        raise SealError("the sealed personal data does not open with this key") from exc
    values: dict[str, Any] = json.loads(plain)
    return values


# -- which fields, which versions ---------------------------------------------------------------


_PERSONAL_FIELDS: dict[type[EventPayload], tuple[str, ...]] = {}


def personal_fields(payload_cls: type[EventPayload]) -> tuple[str, ...]:
    """The fields of ``payload_cls`` marked personal, in declaration order."""
    found = _PERSONAL_FIELDS.get(payload_cls)
    if found is None:
        found = _PERSONAL_FIELDS[payload_cls] = tuple(
            name for name, field in payload_cls.model_fields.items()
            if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("x-personal"))
    return found


_SEALED: dict[type[EventPayload], type[EventPayload]] = {}
_CLEAR: dict[type[EventPayload], type[EventPayload]] = {}


def sealed_version(clear_cls: type[EventPayload]) -> type[EventPayload]:
    """The next version of ``clear_cls``: the same payload without its personal fields, which
    travel in the envelope's ``sealed`` box. Made once per class."""
    if clear_cls in _SEALED:
        return _SEALED[clear_cls]
    personal = personal_fields(clear_cls)
    if not personal:
        raise ValueError(f"{clear_cls.__name__} has no personal fields to seal")
    kept = {name: (field.annotation, field) for name, field in clear_cls.model_fields.items()
            if name not in personal}
    sealed_cls: type[EventPayload] = create_model(  # type: ignore[call-overload]
        f"{clear_cls.__name__}V{clear_cls.event_version + 1}", __base__=EventPayload,
        __module__=clear_cls.__module__,
        __doc__=(f"{(clear_cls.__doc__ or '').strip()}\n\nVersion {clear_cls.event_version + 1}: "
                 f"{', '.join(personal)} travel sealed, in the envelope's ``sealed`` box.").strip(),
        **kept)
    sealed_cls.event_type = clear_cls.event_type
    sealed_cls.event_version = clear_cls.event_version + 1
    _SEALED[clear_cls] = sealed_cls
    _CLEAR[sealed_cls] = clear_cls
    return sealed_cls


def clear_version(payload_cls: type[EventPayload]) -> type[EventPayload] | None:
    """The clear class a sealed version was made from; None for a class that is not one."""
    return _CLEAR.get(payload_cls)


def _erased_value(annotation: Any) -> Any:
    """How a personal field reads once erased: null for a date, ``ERASED`` for text."""
    kinds = get_args(annotation) or (annotation,)
    return None if date in kinds else ERASED


# -- envelopes ----------------------------------------------------------------------------------


def seal_envelope(envelope: EventEnvelope[Any], key: bytes | None, key_id: UUID
                  ) -> EventEnvelope[Any]:
    """The envelope as it is published: personal fields sealed under ``key``; with no key (the
    person was erased before this was sent) they are left out, already erased."""
    clear_cls = type(envelope.payload)
    personal = personal_fields(clear_cls)
    if not personal:
        return envelope
    sealed_cls = sealed_version(clear_cls)
    # Assembled from the envelope's own, already validated values (a relay's hot path): the
    # sealed version is the same fields less the personal ones, so nothing needs checking again.
    values = clear_cls.__pydantic_serializer__.to_python(envelope.payload, mode="json",
                                                         include=set(personal))
    box = None if key is None else SealedBox.model_construct(
        key_id=key_id, alg="A256GCM", fields=list(personal),
        data=seal(key, values, str(envelope.event_id).encode()))
    rest = {name: value for name, value in envelope.payload.__dict__.items()
            if name not in personal}
    return _assembled(_envelope_of(sealed_cls), {
        **_head(envelope), "event_version": sealed_cls.event_version,
        "payload": _assembled(sealed_cls, rest), "sealed": box})


def open_envelope(envelope: EventEnvelope[Any], key: bytes | None) -> EventEnvelope[Any]:
    """The envelope with its personal fields back in its payload, in the clear version's class;
    with ``key`` None (the person was erased) those fields read as erased. An envelope without
    personal fields comes back as it is."""
    clear_cls = clear_version(type(envelope.payload))
    if clear_cls is None:
        return envelope
    box = envelope.sealed
    if box is not None and key is not None:
        # Only what came out of the box is checked (and coerced: dates); it was valid when it
        # was sealed and the tag proves it is unchanged. The rest was validated on decoding.
        personal = _personal_model(clear_cls).model_validate(
            unseal(key, box.data, str(envelope.event_id).encode())).__dict__
    else:
        # Erased: the values cannot be had, and an erased name is not a valid name, so the
        # payload is built without validation from fields that were valid when it was made.
        personal = {name: _erased_value(clear_cls.model_fields[name].annotation)
                    for name in personal_fields(clear_cls)}
    return _assembled(_envelope_of(clear_cls), {
        **_head(envelope), "event_version": clear_cls.event_version, "sealed": None,
        "payload": _assembled(clear_cls, {**envelope.payload.__dict__, **personal})})


def _assembled(cls: Any, values: dict[str, Any]) -> Any:
    """An instance of ``cls`` holding ``values``, every one of its fields, already valid:
    pydantic's ``model_construct`` without the per-field pass (its defaults, its fields set),
    which cost three times the decryption on a consumer's every event."""
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


def _head(envelope: EventEnvelope[Any]) -> dict[str, Any]:
    """The envelope's fields but its version, payload and box."""
    return {name: value for name, value in envelope.__dict__.items()
            if name not in ("payload", "event_version", "sealed")}


@cache
def _personal_model(clear_cls: type[EventPayload]) -> Any:
    """A model of ``clear_cls``'s personal fields alone, to check what a box held."""
    return create_model(f"{clear_cls.__name__}Personal", **{  # type: ignore[call-overload]
        name: (clear_cls.model_fields[name].annotation, clear_cls.model_fields[name])
        for name in personal_fields(clear_cls)})


@cache
def _envelope_of(payload_cls: type[EventPayload]) -> Any:
    return EventEnvelope[payload_cls]  # type: ignore[valid-type]
