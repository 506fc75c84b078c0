"""The no-loss check: a crowd of clients writes over the documented protocol
(docs/protocol.md) to real server processes while faults are injected, and every
message is accounted for against the database.

Run by ``tests/test_no_loss.py`` (``make test``: a minute a configuration) and by
``python -m tests.noloss`` (``make soak``: ten minutes, a larger crowd).

The run
-------
Visitors (the widget) and agents (the console) each send in a loop, a ``client_ref`` per
message, while:

- **sockets drop mid-send**: a client writes a ``send`` and drops its socket (no closing
  handshake) before the ack, reconnects at once with its cursors and sends the same
  ``client_ref`` again, as the widget's outbox does;
- **a node is SIGKILLed** while sends are in flight (mid-commit), then restarted on its
  port; on two nodes its clients reconnect to the other one meanwhile;
- **Redis restarts** (two nodes; the run's own ``redis-server``): what was being
  published is lost, and the sockets must fill the gap from the database.

Then every client finishes its send, pings its socket (what the server queued for it
before has then arrived), and reconnects a last time with its cursors.

What a client does, as the protocol asks
----------------------------------------
- It keeps the seqs it holds per conversation across sockets: what a new socket sends
  again is dropped by seq (not counted below, except under the hello cursor).
- A visitor's ``hello`` carries the highest seq it holds of each conversation: all it can
  know, as private notes leave gaps it cannot tell from loss.
- An agent holds the inbox's news of every chat it may see and has one chat open: its
  ``hello`` carries the open chat's cursor, and opening another chat sends ``resume``
  with that chat's cursor. An agent's cursor is the seq up to which it holds the chat
  without a gap (it sees every seq, private notes too). A few chats are "hot": agents
  answer in them half the time, so their visitors reconnect while agents write.
- The last reconnect: a visitor with its cursors, an agent with the cursor of every chat
  it may see.

The counts (each must be 0)
---------------------------
Per ``client_ref``:

- **lost**: acknowledged, but the ack's message is not stored with that ``client_ref``.
- **stored twice**: a ``client_ref`` stored more than once.
- **never acknowledged**: a send its client retried to the end with no ack.
- **refused**: a send answered with an error other than ``internal`` (the protocol's
  "send again"); none of the crowd's sends is wrong.

Per client and message id, after the last reconnect:

- **never delivered**: a stored message the client should hold and got on none of its
  sockets. A visitor should hold every message of their conversations but private
  notes; an agent every message, private notes too, of each conversation its role and
  teams let it see (``AgentActor.may_see`` on the chat as stored at the end).

Per socket (one ``hello`` to its close; a reconnect is a new socket):

- **delivered twice on one socket**: the same message id twice. Across sockets the
  client drops repeats by seq, which is what the protocol promises to make work — except:
- **resent at or below the hello cursor**: a message whose seq is at or below the cursor
  the socket's ``hello`` gave for its conversation. The protocol replays only greater
  seqs, so this is a message the client said it had, sent again (issue 24: a visitor got
  its whole history again when an event came while its socket opened).
- **skipped on a tracked stream**: the protocol promises a tracked conversation's events
  once, in order and without a gap. Counted per socket and conversation: seqs the client
  should see that lie between where the socket tracks the conversation from and the
  highest seq it received of it, and that it never received on that socket. "From" is
  the hello's cursor (a visitor's conversation missing from its cursors: 0); for an
  agent's chat not in its ``hello``, the ``resume``'s cursor once the replay it asked
  for has arrived (the pong to a ping sent right after the resume: a socket's frames
  leave in order), else the agent's first news of the chat (it tracks the chat from
  there). The final reconnect would fill such a hole for an agent, whose cursor stops
  below it, so it is counted where it happens (issue 24: a resume skipped the history
  below the first news); a visitor's cursor passes it, so it is also never delivered.
- **out of order**: a conversation's seq lower than one before it on the socket. An
  agent's history below its first news of a chat is left out: it comes after the news
  when a ``resume`` asks for it (docs/protocol.md, "What cursor to send"), or late
  from the bus, and the protocol orders only what follows the first news.
- **delivered but not stored**: a ``message.created`` whose conversation and seq are not
  that message id in the database (an event of a write that was rolled back).
- **private note sent to a visitor**.

The report also prints the totals (messages sent, acknowledged, stored; deliveries due)
and what the run went through: faults injected, sends in flight at each SIGKILL, acks
of a retried send that had been stored (``duplicate: true``), reconnects, closes.
"""
