package io.voipsign;

import java.util.ArrayList;
import java.util.List;

/**
 * The room ledger (docs/ROOMS.md): WeChat's room rules — at most 10 people in a room,
 * at most 100,000 rooms opened a day per mini program, a room destroyed when its last
 * member leaves — enforced before a ticket is issued, so that a refusal is a named
 * error (a {@link RefusalException}: the room is full, the day's limit or the member's is reached) instead of an opaque
 * {@code wx.joinVoIPChat} failure.
 *
 * <p>Thread-safe: share one per process (every operation is atomic in the store).
 * Every operation takes an optional explicit time ({@code nowMs}, Unix ms; for tests
 * and replays); without it the store's clock is used. Results are immutable.
 *
 * <p>Two stores: {@link #memory(Rules)} (one process) and {@link #redis(String, Rules,
 * RedisOptions)} (every instance of a backend sharing one Redis or Redis Cluster).
 *
 * <p>A ledger owns native memory: {@link #close()} it when done (a Spring
 * {@code @Bean} of an {@code AutoCloseable} is closed with the context). Close is
 * idempotent; any use after it throws {@link InputException} {@code LEDGER_CLOSED}, also
 * from a thread racing the close — never a crash.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.memory(Rules.builder().capacity(4).build())) {
 *     AdmissionAndTicket a = ledger.admitAndIssue(appId, groupId, openId, sessionKey);
 *     return a.getTicket().toJson();
 * } // RefusalException (a full room, the day's limit): tell the user before WeChat is asked
 * }</pre>
 */
public final class Ledger implements AutoCloseable {
    private final long handle;
    private final String description;
    private volatile boolean closed;

    private Ledger(long handle, String description) {
        this.handle = handle;
        this.description = description;
    }

    /**
     * A ledger over an in-process memory store with the default rules.
     *
     * @return the ledger
     */
    public static Ledger memory() {
        return memory(Rules.defaults());
    }

    /**
     * A ledger over an in-process memory store: thread-safe, bounded (rooms without a
     * live seat or a call for a minute are forgotten). For one-process servers and tests.
     *
     * @param rules the rules
     * @return the ledger
     * @throws InputException an option the core refuses: it checks every option in one
     *     order and names the first bad one (a Redis option included)
     * @throws NullPointerException {@code rules} is null
     */
    public static Ledger memory(Rules rules) {
        long handle = Native.ledgerOpen(null, Options.json(Args.notNull(rules, "rules").toMap()));
        return new Ledger(handle, "memory(");
    }

    /**
     * A ledger over a Redis server (6.2 or later) or a Redis Cluster with the default
     * rules and options.
     *
     * @param url see {@link #redis(String, Rules, RedisOptions)}
     * @return the ledger
     * @throws InputException the url is malformed
     * @throws NullPointerException {@code url} is null
     */
    public static Ledger redis(String url) {
        return redis(url, Rules.defaults(), RedisOptions.defaults());
    }

    /**
     * A ledger over a Redis server or cluster with the default options.
     *
     * @param url see {@link #redis(String, Rules, RedisOptions)}
     * @param rules the rules
     * @return the ledger
     * @throws InputException the url is malformed, then a bad rule
     * @throws NullPointerException an argument is null
     */
    public static Ledger redis(String url, Rules rules) {
        return redis(url, rules, RedisOptions.defaults());
    }

    /**
     * A ledger over a Redis server (6.2 or later) or a Redis Cluster, shared by every
     * process and machine using it: each operation is one atomic script on the server,
     * timed by the server's clock (without an explicit time). Thread-safe: make one per
     * application.
     *
     * <p>Nothing is connected here: the first call connects. A call that cannot reach
     * the server within the timeouts follows {@link Rules#getOnUnavailable()}: with
     * {@code allow}, {@link #admit} answers a {@link Admission#isDegraded() degraded},
     * uncounted admission and {@link #heartbeat} a fresh lease; with {@code refuse} they
     * throw an {@link OutageException}; the other operations throw it either way. The
     * same ledger works again once the server is back. Calls block the calling thread
     * while they wait for the server.
     *
     * @param url {@code redis://[user:password@]host[:port][/db]}, {@code rediss://…}
     *     (TLS), {@code redis+cluster://[user:password@]host:port[,host:port…]} or
     *     {@code rediss+cluster://…} (seed nodes of a cluster). Its password never
     *     appears in an error or in {@link #toString()}.
     * @param rules the rules
     * @param options timeouts and key prefix
     * @return the ledger
     * @throws InputException the url is malformed (checked first), then the first bad
     *     rule or option, in the core's order
     * @throws NullPointerException an argument is null
     */
    public static Ledger redis(String url, Rules rules, RedisOptions options) {
        Args.notNull(url, "url");
        String json = Options.json(Args.notNull(rules, "rules").toMap(), Args.notNull(options, "options").toMap());
        long handle = Native.ledgerOpen(url, json);
        return new Ledger(handle, "redis(" + Native.redactedUrl(url) + ", " + options + ", ");
    }

    private long handle() {
        if (closed) {
            throw new InputException(Code.LEDGER_CLOSED, "the ledger is closed");
        }
        return handle;
    }

    /**
     * The rules in force, every default filled in.
     *
     * @return the rules
     */
    public Rules getRules() {
        String[] pairs = Native.ledgerRules(handle());
        Rules.Builder b = Rules.builder();
        for (int i = 0; i < pairs.length; i += 2) {
            boolean number = pairs[i + 1].matches("-?[0-9]+");
            b.set(pairs[i], number ? (Object) Long.valueOf(pairs[i + 1]) : pairs[i + 1]);
        }
        return b.build();
    }

    /**
     * Seat {@code memberId} in the room, opening it when it is not live (now).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid (1–128 printable ASCII characters)
     * @return the admission
     * @throws RefusalException the room is full, opening it would pass the day's limit, or the member
     *     already opened {@code memberDailyOpenings} rooms today ({@code MEMBER_DAILY_LIMIT}: joining a
     *     live room is never refused by it)
     * @throws OutageException the store cannot be reached (with {@code onUnavailable = refuse})
     * @throws InputException a bad input (appId, groupId, memberId, in that order)
     */
    public Admission admit(String appId, String groupId, String memberId) {
        return admit(appId, groupId, memberId, false, 0);
    }

    /**
     * {@link #admit(String, String, String)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param nowMs the time of the call, Unix ms
     * @return the admission
     * @throws RuntimeException as {@link #admit(String, String, String)}
     */
    public Admission admit(String appId, String groupId, String memberId, long nowMs) {
        return admit(appId, groupId, memberId, true, nowMs);
    }

    private Admission admit(String appId, String groupId, String memberId, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(memberId, "memberId");
        long[] out = new long[9];
        Native.ledgerAdmit(handle(), appId, groupId, memberId, hasNow, nowMs, out);
        return admission(out);
    }

    /**
     * Admit, then issue the voice-room ticket the phone passes to {@code wx.joinVoIPChat}.
     * Every input is checked before anything is written: a bad session_key takes no seat.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param sessionKey the user's session_key
     * @return the admission and the ticket
     * @throws RuntimeException as {@link #admit(String, String, String)}; inputs in the
     *     order appId, groupId, sessionKey, memberId, roomType
     */
    public AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey) {
        return admitAndIssue(appId, groupId, memberId, sessionKey, RoomType.VOICE);
    }

    /**
     * {@link #admitAndIssue(String, String, String, String)} for a voice or video room.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param sessionKey the user's session_key
     * @param roomType voice or video
     * @return the admission and the ticket
     * @throws RuntimeException as {@link #admitAndIssue(String, String, String, String)}
     */
    public AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey,
            RoomType roomType) {
        return admitAndIssue(appId, groupId, memberId, sessionKey, Args.notNull(roomType, "roomType").wireName(),
                false, 0);
    }

    /**
     * {@link #admitAndIssue(String, String, String, String)} with the room type as the
     * front end sent it ({@code "voice"} or {@code "video"}, else an {@link InputException}).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param sessionKey the user's session_key
     * @param roomType {@code "voice"} or {@code "video"}
     * @return the admission and the ticket
     * @throws RuntimeException as {@link #admitAndIssue(String, String, String, String)}
     */
    public AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey,
            String roomType) {
        return admitAndIssue(appId, groupId, memberId, sessionKey, Args.notNull(roomType, "roomType"), false, 0);
    }

    /**
     * {@link #admitAndIssue(String, String, String, String, RoomType)} at an explicit time
     * (the ticket's timeStamp is {@code floor(nowMs / 1000)}).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param sessionKey the user's session_key
     * @param roomType voice or video
     * @param nowMs the time of the call, Unix ms
     * @return the admission and the ticket
     * @throws RuntimeException as {@link #admitAndIssue(String, String, String, String)},
     *     and an {@link InputException} for a time whose seconds are out of range
     */
    public AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey,
            RoomType roomType, long nowMs) {
        return admitAndIssue(appId, groupId, memberId, sessionKey, Args.notNull(roomType, "roomType").wireName(),
                true, nowMs);
    }

    /**
     * {@link #admitAndIssue(String, String, String, String, String)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param sessionKey the user's session_key
     * @param roomType {@code "voice"} or {@code "video"}
     * @param nowMs the time of the call, Unix ms
     * @return the admission and the ticket
     * @throws RuntimeException as {@link #admitAndIssue(String, String, String, String, RoomType, long)}
     */
    public AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey,
            String roomType, long nowMs) {
        return admitAndIssue(appId, groupId, memberId, sessionKey, Args.notNull(roomType, "roomType"), true,
                nowMs);
    }

    private AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey,
            String roomType, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(memberId, "memberId");
        Args.notNull(sessionKey, "sessionKey");
        long[] out = new long[9];
        String[] ticket = Native.ledgerAdmitAndIssue(handle(), appId, groupId, memberId, sessionKey, roomType,
                hasNow, nowMs, out);
        return new AdmissionAndTicket(admission(out), JoinTicket.of(ticket));
    }

    /** From the native library's opened, renewed, members, … (booleans as 0/1). */
    private static Admission admission(long[] v) {
        return new Admission(v[0] != 0, v[1] != 0, (int) v[2], v[3], v[4], v[5], v[6] != 0, v[7], v[8] != 0);
    }

    /**
     * Refresh the member's lease (phones report every 15 s while in the call).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @return the new lease expiry, Unix ms
     * @throws RefusalException the member holds no live seat (it expired): admit again
     * @throws OutageException the store cannot be reached (with {@code onUnavailable = refuse})
     */
    public long heartbeat(String appId, String groupId, String memberId) {
        return heartbeat(appId, groupId, memberId, false, 0);
    }

    /**
     * {@link #heartbeat(String, String, String)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param nowMs the time of the call, Unix ms
     * @return the new lease expiry, Unix ms
     * @throws RuntimeException as {@link #heartbeat(String, String, String)}
     */
    public long heartbeat(String appId, String groupId, String memberId, long nowMs) {
        return heartbeat(appId, groupId, memberId, true, nowMs);
    }

    private long heartbeat(String appId, String groupId, String memberId, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(memberId, "memberId");
        return Native.ledgerHeartbeat(handle(), appId, groupId, memberId, hasNow, nowMs);
    }

    /**
     * Remove the member's seat (on {@code wx.exitVoIPChat}). The last seat gone, the room
     * is gone: the next admission opens it again and counts against the quota.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @return whether there was a live seat
     * @throws InputException a bad input
     * @throws OutageException the store cannot be reached
     */
    public boolean leave(String appId, String groupId, String memberId) {
        return leave(appId, groupId, memberId, false, 0);
    }

    /**
     * {@link #leave(String, String, String)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param nowMs the time of the call, Unix ms
     * @return whether there was a live seat
     * @throws RuntimeException as {@link #leave(String, String, String)}
     */
    public boolean leave(String appId, String groupId, String memberId, long nowMs) {
        return leave(appId, groupId, memberId, true, nowMs);
    }

    private boolean leave(String appId, String groupId, String memberId, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(memberId, "memberId");
        return Native.ledgerLeave(handle(), appId, groupId, memberId, hasNow, nowMs);
    }

    /**
     * Reconcile with the members a phone reported ({@code wx.onVoIPChatMembersChanged}'s
     * {@code openIdList}): listed seats refreshed, listed members without a seat adopted
     * (never refused, never charged), unlisted seats older than the sync grace removed.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param openIds the members WeChat says are in the room (duplicates ignored)
     * @return the room after
     * @throws InputException a bad input (a bad id refuses the whole call, named
     *     {@code openIds[i]})
     * @throws OutageException the store cannot be reached
     */
    public Room sync(String appId, String groupId, List<String> openIds) {
        return sync(appId, groupId, openIds, false, 0);
    }

    /**
     * {@link #sync(String, String, List)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param openIds the members WeChat says are in the room
     * @param nowMs the time of the call, Unix ms
     * @return the room after
     * @throws RuntimeException as {@link #sync(String, String, List)}
     */
    public Room sync(String appId, String groupId, List<String> openIds, long nowMs) {
        return sync(appId, groupId, openIds, true, nowMs);
    }

    private Room sync(String appId, String groupId, List<String> openIds, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        String[] ids = Args.strings(openIds, "openIds");
        return room(Native.ledgerSync(handle(), appId, groupId, ids, hasNow, nowMs));
    }

    /** From the native library's {long[] {generation, live, since, expires, …}, String[] memberIds}. */
    private static Room room(Object[] parts) {
        long[] n = (long[]) parts[0];
        String[] ids = (String[]) parts[1];
        List<Seat> seats = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            seats.add(new Seat(ids[i], n[2 + 2 * i], n[3 + 2 * i]));
        }
        return new Room(seats, n[0], n[1] != 0);
    }

    /**
     * The room's live seats, generation and liveness (changes nothing).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @return the room
     * @throws InputException a bad input
     * @throws OutageException the store cannot be reached
     */
    public Room room(String appId, String groupId) {
        return room(appId, groupId, false, 0);
    }

    /**
     * {@link #room(String, String)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param nowMs the time of the call, Unix ms
     * @return the room
     * @throws RuntimeException as {@link #room(String, String)}
     */
    public Room room(String appId, String groupId, long nowMs) {
        return room(appId, groupId, true, nowMs);
    }

    private Room room(String appId, String groupId, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        return room(Native.ledgerRoom(handle(), appId, groupId, hasNow, nowMs));
    }

    /**
     * The day counters of {@code appId} today (in the rules' UTC offset), the limit, and the live
     * rooms and seats now (docs/ROOMS.md, "Day counters"); every ended seat is counted first.
     *
     * @param appId the mini program's appId
     * @return the usage
     * @throws InputException a bad appId
     * @throws OutageException the store cannot be reached
     */
    public Usage usage(String appId) {
        return usage(appId, false, 0, false, 0);
    }

    /**
     * The day counters of {@code appId} on {@code day}; the live counts are null unless it is today.
     *
     * @param appId the mini program's appId
     * @param day days since 1970-01-01 in the rules' UTC offset
     * @return the usage
     * @throws RuntimeException as {@link #usage(String)}
     */
    public Usage usage(String appId, long day) {
        return usage(appId, true, day, false, 0);
    }

    /**
     * The day counters of {@code appId} on {@code day}, at an explicit time; the live counts are
     * null unless {@code day} is the day of {@code nowMs}.
     *
     * @param appId the mini program's appId
     * @param day days since 1970-01-01 in the rules' UTC offset, or {@code null}: the day of {@code nowMs}
     * @param nowMs the time of the call, Unix ms
     * @return the usage
     * @throws RuntimeException as {@link #usage(String)}
     */
    public Usage usage(String appId, Long day, long nowMs) {
        return usage(appId, day != null, day == null ? 0 : day, true, nowMs);
    }

    private Usage usage(String appId, boolean hasDay, long day, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        long[] o = new long[16];
        Native.ledgerUsage(handle(), appId, hasDay, day, hasNow, nowMs, o);
        return new Usage(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12],
                o[13] < 0 ? null : o[13], o[14] < 0 ? null : o[14], o[15]);
    }

    /**
     * The first page (at most 100) of the appId's live rooms, in groupId byte order.
     * Every ended seat of the appId is counted first (docs/ROOMS.md).
     *
     * @param appId the mini program's appId
     * @return the page; {@link RoomPage#getNext()} is the {@code after} of the next one, null on the last
     * @throws InputException a bad appId
     * @throws OutageException the store cannot be reached
     */
    public RoomPage rooms(String appId) {
        return rooms(appId, 100, null, false, 0);
    }

    /**
     * One page of the appId's live rooms after {@code after}, in groupId byte order.
     *
     * @param appId the mini program's appId
     * @param limit the most rooms of the page, 1-1000 ({@code INVALID_LIMIT} otherwise)
     * @param after start after this groupId (the previous page's {@code next}), or null: from the first
     * @return the page
     * @throws InputException a bad appId, limit or after (in that order)
     * @throws OutageException the store cannot be reached
     */
    public RoomPage rooms(String appId, int limit, String after) {
        return rooms(appId, limit, after, false, 0);
    }

    /**
     * {@link #rooms(String, int, String)} at an explicit time.
     *
     * @param appId the mini program's appId
     * @param limit the most rooms of the page, 1-1000
     * @param after start after this groupId, or null
     * @param nowMs the time of the call, Unix ms
     * @return the page
     * @throws RuntimeException as {@link #rooms(String, int, String)}
     */
    public RoomPage rooms(String appId, int limit, String after, long nowMs) {
        return rooms(appId, limit, after, true, nowMs);
    }

    private RoomPage rooms(String appId, int limit, String after, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Object[] parts = Native.ledgerRooms(handle(), appId, limit, after != null, after, hasNow, nowMs);
        long[] n = (long[]) parts[0];
        String[] ids = (String[]) parts[1];
        int count = (n.length - 1) / 4;
        List<RoomSummary> rooms = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rooms.add(new RoomSummary(ids[i], (int) n[1 + 4 * i], (int) n[2 + 4 * i], n[3 + 4 * i], n[4 + 4 * i]));
        }
        return new RoomPage(rooms, n[0] != 0 ? ids[count] : null);
    }

    /**
     * Free the ledger. Idempotent; later calls throw {@code LEDGER_CLOSED}. A call
     * running in another thread finishes first (on its own reference).
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.ledgerClose(handle);
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether the ledger is closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * {@code Ledger.memory(Rules{…})}, {@code Ledger.redis(redis://***@host:6379,
     * RedisOptions{…}, Rules{…})} (never a password), or {@code Ledger(closed)}.
     */
    @Override
    public String toString() {
        try {
            return "Ledger." + description + getRules() + ")";
        } catch (InputException e) {
            return "Ledger(closed)";
        }
    }
}
