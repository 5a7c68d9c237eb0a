package io.voipsign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@link VoipSign#diagnose} found about a signature WeChat rejected. Immutable;
 * never contains a session_key.
 */
public final class Diagnosis {
    /** The outcome of a diagnosis. */
    public enum Verdict {
        /** The signature is the right one for these values. */
        CORRECT,
        /** A known mistake (or a combination of them) reproduces the signature. */
        MISTAKE_FOUND,
        /** Nothing known reproduces it. */
        UNKNOWN
    }

    /** A known way to get the signature wrong, in the stable order diagnoses list them. */
    public enum Mistake {
        /** The four values were joined in another order than code-unit sorted. */
        NOT_SORTED,
        /** Joined with {@code ,} ({@code String(array)} in JavaScript). */
        COMMA_JOINED,
        /** HMAC keyed with the base64-decoded session_key instead of the string. */
        KEY_BASE64_DECODED,
        /** Key and message swapped in the HMAC call. */
        KEY_MESSAGE_SWAPPED,
        /** The key had a trailing {@code \n}, {@code \r\n} or space. */
        KEY_WHITESPACE,
        /** Signed with the timestamp in milliseconds. */
        TIMESTAMP_MILLISECONDS,
        /** Hex digits in upper case. */
        UPPERCASE_HEX,
        /** The digest in base64 instead of hex. */
        BASE64_DIGEST,
        /** SHA-256 of the string (key prepended or appended), not HMAC. */
        PLAIN_SHA256,
        /** Signed with an older session_key (a later {@code wx.login} replaced it). */
        STALE_SESSION_KEY
    }

    private final Verdict verdict;
    private final List<Mistake> mistakes;
    private final String message;
    private final String expected;
    private final String canonical;

    private Diagnosis(String[] fields) {
        this.verdict = Verdict.valueOf(fields[0]);
        this.message = fields[1];
        this.expected = fields[2];
        this.canonical = fields[3];
        List<Mistake> found = new ArrayList<>();
        for (int i = 4; i < fields.length; i++) {
            found.add(Mistake.valueOf(fields[i]));
        }
        this.mistakes = Collections.unmodifiableList(found);
    }

    /** From the native library's {verdict, message, expected, canonical, mistake...}. */
    static Diagnosis of(String[] fields) {
        return new Diagnosis(fields);
    }

    /**
     * Correct, mistake found, or unknown.
     *
     * @return the verdict
     */
    public Verdict getVerdict() {
        return verdict;
    }

    /**
     * Every mistake involved, in the order of {@link Mistake}; empty unless the verdict
     * is {@link Verdict#MISTAKE_FOUND}.
     *
     * @return an unmodifiable list
     */
    public List<Mistake> getMistakes() {
        return mistakes;
    }

    /**
     * What happened and the exact fix, in words a person can act on.
     *
     * @return the message
     */
    public String getMessage() {
        return message;
    }

    /**
     * The right signature (with the timestamp in seconds).
     *
     * @return 64 lowercase hex digits
     */
    public String getExpected() {
        return expected;
    }

    /**
     * The right canonical string (no secret: safe to log).
     *
     * @return the sorted, joined values
     */
    public String getCanonical() {
        return canonical;
    }

    @Override
    public String toString() {
        return "Diagnosis{verdict=" + verdict + ", mistakes=" + mistakes + ", message=" + message
                + ", expected=" + expected + ", canonical=" + canonical + "}";
    }
}
