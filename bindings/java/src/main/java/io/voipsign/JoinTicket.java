package io.voipsign;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a mini program needs for {@code wx.joinVoIPChat}: the room, a fresh nonce,
 * the time of issue and the signature. Immutable.
 *
 * <p>Return {@link #toJson()} (or {@link #toMap()}) to the mini program. The getters
 * are named after the JSON fields, so Jackson (Spring's default) serialises a ticket
 * to the same five fields; {@link #getRoomType()} is the wire string for that reason.
 * A ticket holds no session_key.
 */
public final class JoinTicket {
    private final String groupId;
    private final String nonceStr;
    private final long timeStamp;
    private final String signature;
    private final String roomType;
    private final String json;

    private JoinTicket(String[] fields) {
        this.groupId = fields[0];
        this.nonceStr = fields[1];
        this.timeStamp = Long.parseLong(fields[2]);
        this.signature = fields[3];
        this.roomType = fields[4];
        this.json = fields[5];
    }

    /** From the native library's {groupId, nonceStr, timeStamp, signature, roomType, json}. */
    static JoinTicket of(String[] fields) {
        return new JoinTicket(fields);
    }

    /**
     * The room.
     *
     * @return the groupId the ticket was issued for
     */
    public String getGroupId() {
        return groupId;
    }

    /**
     * A fresh nonce: 32 characters of {@code [A-Za-z0-9]} from the operating system's CSPRNG.
     *
     * @return the nonceStr
     */
    public String getNonceStr() {
        return nonceStr;
    }

    /**
     * The time of issue, Unix seconds.
     *
     * @return the timeStamp
     */
    public long getTimeStamp() {
        return timeStamp;
    }

    /**
     * The signature over appId, groupId, nonceStr and timeStamp.
     *
     * @return 64 lowercase hex digits
     */
    public String getSignature() {
        return signature;
    }

    /**
     * The room type as {@code wx.joinVoIPChat} takes it.
     *
     * @return {@link RoomType#wireName()}: {@code "voice"} or {@code "video"}
     */
    public String getRoomType() {
        return roomType;
    }

    /**
     * Exactly the object {@code wx.joinVoIPChat} takes, as the core serialises it:
     * {@code {"groupId":"…","nonceStr":"…","timeStamp":1559129714,"signature":"…","roomType":"voice"}}.
     *
     * @return the JSON text
     */
    public String toJson() {
        return json;
    }

    /**
     * The five fields in the order of {@link #toJson()} ({@code timeStamp} a {@code Long}),
     * for frameworks that serialise maps.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("groupId", groupId);
        m.put("nonceStr", nonceStr);
        m.put("timeStamp", timeStamp);
        m.put("signature", signature);
        m.put("roomType", roomType);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof JoinTicket)) {
            return false;
        }
        JoinTicket t = (JoinTicket) o;
        return groupId.equals(t.groupId) && nonceStr.equals(t.nonceStr) && timeStamp == t.timeStamp
                && signature.equals(t.signature) && roomType.equals(t.roomType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(groupId, nonceStr, timeStamp, signature, roomType);
    }

    /** {@code JoinTicket{...}} with the JSON fields. */
    @Override
    public String toString() {
        return "JoinTicket" + json;
    }
}
