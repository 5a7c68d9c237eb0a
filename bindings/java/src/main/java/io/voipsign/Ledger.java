package io.voipsign;

import java.util.List;

/**
 * The room ledger (docs/ROOMS.md): WeChat's room rules — at most 10 people in a room,
 * at most 100,000 rooms opened a day per mini program, a room destroyed when its last
 * member leaves — enforced before a ticket is issued, so that a refusal is a named
 * error ({@code ROOM_FULL}, {@code DAILY_ROOM_LIMIT}) instead of an opaque
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
 * idempotent; any use after it throws {@link IllegalStateException}, also from a
 * thread racing the close — never a crash.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.memory(Rules.builder().capacity(4).build())) {
 *     AdmissionAndTicket a = ledger.admitAndIssue(appId, groupId, openId, sessionKey);
 *     return a.getTicket().toJson();
 * } // VoipSignException ROOM_FULL / DAILY_ROOM_LIMIT: tell the user before WeChat is asked
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
     * live seat for two days are forgotten). For one-process servers and tests.
     *
     * @param rules the rules
     * @return the ledger
     * @throws VoipSignException {@code INVALID_RULES}: a rule is out of range (the numbers
     *     first, in the order of ROOMS.md, then onUnavailable)
     * @throws NullPointerException {@code rules} is null
     */
    public static Ledger memory(Rules rules) {
        Args.notNull(rules, "rules");
        long handle = Native.ledgerMemory(rules.numbers(), rules.getDailyRoomWarning() != null,
                rules.getSyncGraceMs() != null, rules.getOnUnavailable());
        return new Ledger(handle, "memory(");
    }

    /**
     * A ledger over a Redis server (6.2 or later) or a Redis Cluster with the default
     * rules and options.
     *
     * @param url see {@link #redis(String, Rules, RedisOptions)}
     * @return the ledger
     * @throws VoipSignException {@code INVALID_REDIS_URL}
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
     * @throws VoipSignException {@code INVALID_REDIS_URL}, then {@code INVALID_RULES}
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
     * throw {@code LEDGER_UNAVAILABLE}; the other operations throw it either way. The
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
     * @throws VoipSignException {@code INVALID_REDIS_URL} (checked first), then
     *     {@code INVALID_RULES} for a rule, then for an option
     * @throws NullPointerException an argument is null
     */
    public static Ledger redis(String url, Rules rules, RedisOptions options) {
        Args.notNull(url, "url");
        Args.notNull(rules, "rules");
        Args.notNull(options, "options");
        long handle = Native.ledgerRedis(url, rules.numbers(), rules.getDailyRoomWarning() != null,
                rules.getSyncGraceMs() != null, rules.getOnUnavailable(), options.getConnectTimeoutMs(),
                options.getCommandTimeoutMs(), options.getKeyPrefix());
        return new Ledger(handle, "redis(" + shownUrl(url) + ", " + options + ", ");
    }

    /**
     * The url as {@link #toString()} shows it: scheme, hosts and database, the
     * credentials as {@code ***}, no query.
     */
    static String shownUrl(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return "?";
        }
        String rest = url.substring(scheme + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        String hosts = at < 0 ? authority : "***@" + authority.substring(at + 1);
        String path = rest.substring(end);
        String db = "";
        if (path.startsWith("/")) {
            int stop = path.length();
            for (char c : new char[] {'?', '#'}) {
                int i = path.indexOf(c);
                if (i >= 0 && i < stop) {
                    stop = i;
                }
            }
            String digits = path.substring(1, stop);
            if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
                db = "/" + digits;
            }
        }
        return url.substring(0, scheme) + "://" + hosts + db;
    }

    private long handle() {
        if (closed) {
            throw new IllegalStateException("this Ledger is closed");
        }
        return handle;
    }

    /**
     * The rules in force, every default filled in.
     *
     * @return the rules
     */
    public Rules getRules() {
        long[] out = new long[8];
        Native.ledgerLimits(handle(), out);
        return Rules.ofLimits(out);
    }

    /**
     * Seat {@code memberId} in the room, opening it when it is not live (now).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid (1–128 printable ASCII characters)
     * @return the admission
     * @throws VoipSignException {@code ROOM_FULL}, {@code DAILY_ROOM_LIMIT},
     *     {@code LEDGER_UNAVAILABLE}, or a bad input (appId, groupId, memberId, in that order)
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
     * @throws VoipSignException as {@link #admit(String, String, String)}
     */
    public Admission admit(String appId, String groupId, String memberId, long nowMs) {
        return admit(appId, groupId, memberId, true, nowMs);
    }

    private Admission admit(String appId, String groupId, String memberId, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(memberId, "memberId");
        long[] out = new long[Admission.FIELDS];
        Native.ledgerAdmit(handle(), appId, groupId, memberId, hasNow, nowMs, out);
        return Admission.of(out);
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
     * @throws VoipSignException as {@link #admit(String, String, String)}; inputs in the
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
     * @throws VoipSignException as {@link #admitAndIssue(String, String, String, String)}
     */
    public AdmissionAndTicket admitAndIssue(String appId, String groupId, String memberId, String sessionKey,
            RoomType roomType) {
        return admitAndIssue(appId, groupId, memberId, sessionKey, Args.notNull(roomType, "roomType").wireName(),
                false, 0);
    }

    /**
     * {@link #admitAndIssue(String, String, String, String)} with the room type as the
     * front end sent it ({@code "voice"} or {@code "video"}, else {@code INVALID_ROOM_TYPE}).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @param sessionKey the user's session_key
     * @param roomType {@code "voice"} or {@code "video"}
     * @return the admission and the ticket
     * @throws VoipSignException as {@link #admitAndIssue(String, String, String, String)}
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
     * @throws VoipSignException as {@link #admitAndIssue(String, String, String, String)},
     *     and {@code INVALID_TIMESTAMP} for a time whose seconds are out of range
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
     * @throws VoipSignException as {@link #admitAndIssue(String, String, String, String, RoomType, long)}
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
        long[] out = new long[Admission.FIELDS];
        String[] ticket = Native.ledgerAdmitAndIssue(handle(), appId, groupId, memberId, sessionKey, roomType,
                hasNow, nowMs, out);
        return new AdmissionAndTicket(Admission.of(out), JoinTicket.of(ticket));
    }

    /**
     * Refresh the member's lease (phones report every 15 s while in the call).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param memberId the user's openid
     * @return the new lease expiry, Unix ms
     * @throws VoipSignException {@code NOT_ADMITTED}: the seat expired, admit again (with
     *     {@code onUnavailable = refuse} also {@code LEDGER_UNAVAILABLE})
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
     * @throws VoipSignException as {@link #heartbeat(String, String, String)}
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
     * @throws VoipSignException a bad input, or {@code LEDGER_UNAVAILABLE}
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
     * @throws VoipSignException as {@link #leave(String, String, String)}
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
     * @throws VoipSignException a bad input (a bad id refuses the whole call, named
     *     {@code openIds[i]}), or {@code LEDGER_UNAVAILABLE}
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
     * @throws VoipSignException as {@link #sync(String, String, List)}
     */
    public Room sync(String appId, String groupId, List<String> openIds, long nowMs) {
        return sync(appId, groupId, openIds, true, nowMs);
    }

    private Room sync(String appId, String groupId, List<String> openIds, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        String[] ids = Args.strings(openIds, "openIds");
        return Room.of(Native.ledgerSync(handle(), appId, groupId, ids, hasNow, nowMs));
    }

    /**
     * The room's live seats, generation and liveness (changes nothing).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @return the room
     * @throws VoipSignException a bad input, or {@code LEDGER_UNAVAILABLE}
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
     * @throws VoipSignException as {@link #room(String, String)}
     */
    public Room room(String appId, String groupId, long nowMs) {
        return room(appId, groupId, true, nowMs);
    }

    private Room room(String appId, String groupId, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        return Room.of(Native.ledgerRoom(handle(), appId, groupId, hasNow, nowMs));
    }

    /**
     * Openings charged to {@code appId} today (in the rules' UTC offset) and the limit.
     *
     * @param appId the mini program's appId
     * @return the usage
     * @throws VoipSignException a bad appId, or {@code LEDGER_UNAVAILABLE}
     */
    public Usage usage(String appId) {
        return usage(appId, false, 0, false, 0);
    }

    /**
     * Openings charged to {@code appId} on {@code day}.
     *
     * @param appId the mini program's appId
     * @param day days since 1970-01-01 in the rules' UTC offset
     * @return the usage
     * @throws VoipSignException as {@link #usage(String)}
     */
    public Usage usage(String appId, long day) {
        return usage(appId, true, day, false, 0);
    }

    /**
     * Openings charged to {@code appId} on {@code day}, at an explicit time.
     *
     * @param appId the mini program's appId
     * @param day days since 1970-01-01 in the rules' UTC offset, or {@code null}: the day of {@code nowMs}
     * @param nowMs the time of the call, Unix ms
     * @return the usage
     * @throws VoipSignException as {@link #usage(String)}
     */
    public Usage usage(String appId, Long day, long nowMs) {
        return usage(appId, day != null, day == null ? 0 : day, true, nowMs);
    }

    private Usage usage(String appId, boolean hasDay, long day, boolean hasNow, long nowMs) {
        Args.notNull(appId, "appId");
        long[] out = new long[3];
        Native.ledgerUsage(handle(), appId, hasDay, day, hasNow, nowMs, out);
        return Usage.of(out);
    }

    /**
     * Free the ledger. Idempotent; later calls throw {@link IllegalStateException}. A call
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
        } catch (IllegalStateException e) {
            return "Ledger(closed)";
        }
    }
}
