package io.voipsign;

import java.util.List;

/** Reading Java arguments: nulls are refused here, values by the core. */
final class Args {
    private Args() {}

    /** {@code value}, or a NullPointerException naming the parameter. */
    static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " is null");
        }
        return value;
    }

    /** The list as an array; a null list or element is a NullPointerException naming it. */
    static String[] strings(List<String> list, String name) {
        notNull(list, name);
        String[] out = list.toArray(new String[0]);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                throw new NullPointerException(name + "[" + i + "] is null");
            }
        }
        return out;
    }
}
