"""Every rate limit, by name, with its default and why it is that.

An operator changes one with ``FRONTDESK_RATE_LIMITS='{"messages.visitor": "60/minute"}'``
(the ``limits`` library's notation: "N/second|minute|hour|day", or "N per 5 minutes").
docs/configuration.md and docs/security.md list them; a test keeps the lists in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    default: str
    what: str  # "too many {what}" to the person refused

    @property
    def per(self) -> str:
        """What one count is kept for: "visitor", "ip", "conversation", "account"."""
        return self.name.rsplit(".", 1)[1]


# Visitors: a person types a few messages a minute; the per-address limits are wider
# because one office or mobile carrier puts many people behind one address.
MESSAGES_VISITOR = Rule("messages.visitor", "30/minute", "messages from one visitor")
MESSAGES_IP = Rule("messages.ip", "300/minute", "messages from one address")
CONVERSATIONS_VISITOR = Rule("conversations.visitor", "10/hour", "new conversations from one visitor")
CONVERSATIONS_IP = Rule("conversations.ip", "100/hour", "new conversations from one address")
CONTACTS_IP = Rule("contacts.ip", "300/hour", "new visitors from one address")
OFFLINE_VISITOR = Rule("offline.visitor", "5/hour", "offline messages from one visitor")
OFFLINE_IP = Rule("offline.ip", "30/hour", "offline messages from one address")
UPLOADS_VISITOR = Rule("uploads.visitor", "20/hour", "uploads from one visitor")
UPLOADS_IP = Rule("uploads.ip", "100/hour", "uploads from one address")
TYPING_VISITOR = Rule("typing.visitor", "120/minute", "typing signals from one visitor")
READS_VISITOR = Rule("reads.visitor", "120/minute", "read receipts from one visitor")
# The widget sends typing and read signals a few seconds apart at most; twenty a second
# from one address is a crowd of people chatting at once, or one script with many tokens.
TYPING_IP = Rule("typing.ip", "1200/minute", "typing signals from one address")
READS_IP = Rule("reads.ip", "1200/minute", "read receipts from one address")
IDENTIFY_VISITOR = Rule("identify.visitor", "30/minute", "identify calls from one visitor")
IDENTIFY_IP = Rule("identify.ip", "120/minute", "identify calls from one address")
ACTIVITY_VISITOR = Rule("activity.visitor", "120/minute", "page views from one visitor")
NOTES_VISITOR = Rule("notes.visitor", "30/hour", "site notes from one visitor's browser")
RATINGS_VISITOR = Rule("ratings.visitor", "20/hour", "ratings from one visitor")
# Transcripts send mail under the company's name: a few per chat, a few per address.
TRANSCRIPTS_CONVERSATION = Rule("transcripts.conversation", "3/hour", "transcripts of one conversation")
TRANSCRIPTS_IP = Rule("transcripts.ip", "10/hour", "transcripts asked from one address")
# Accounts: a person mistypes a password a few times; a guesser tries thousands.
LOGIN_IP = Rule("login.ip", "20/minute", "login attempts from one address")
LOGIN_ACCOUNT = Rule("login.account", "10 per 5 minutes", "failed logins to one account")
PASSWORD_RESET_IP = Rule("password_reset.ip", "5/hour", "password reset requests from one address")
PASSWORD_RESET_ACCOUNT = Rule("password_reset.account", "3/hour", "password reset emails to one account")
INVITATIONS_IP = Rule("invitations.ip", "10/minute", "invitation sign-ups from one address")
# A 6-digit code accepted in three 30 s steps: each guess has 3 chances in a million, so
# 5 guesses in 5 minutes leave a day of guessing (1,440) under 1 chance in 200.
TWO_FACTOR_ACCOUNT = Rule("two_factor.account", "5 per 5 minutes", "two-factor codes tried for one account")

DEFAULTS: tuple[Rule, ...] = (
    MESSAGES_VISITOR,
    MESSAGES_IP,
    CONVERSATIONS_VISITOR,
    CONVERSATIONS_IP,
    CONTACTS_IP,
    OFFLINE_VISITOR,
    OFFLINE_IP,
    UPLOADS_VISITOR,
    UPLOADS_IP,
    TYPING_VISITOR,
    READS_VISITOR,
    TYPING_IP,
    READS_IP,
    IDENTIFY_VISITOR,
    IDENTIFY_IP,
    ACTIVITY_VISITOR,
    NOTES_VISITOR,
    RATINGS_VISITOR,
    TRANSCRIPTS_CONVERSATION,
    TRANSCRIPTS_IP,
    LOGIN_IP,
    LOGIN_ACCOUNT,
    PASSWORD_RESET_IP,
    PASSWORD_RESET_ACCOUNT,
    INVITATIONS_IP,
    TWO_FACTOR_ACCOUNT,
)
