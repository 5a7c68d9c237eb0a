package example;

import io.voipsign.JoinTicket;
import io.voipsign.VoipSign;
import io.voipsign.InputException;

/** The documentation's example from Java, against the jar in the local repository. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String key = "gDyVgzwa0mFz9uUP7M6GQQ==";
        System.out.println(VoipSign.sign("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb",
                1559129714L, key));
        JoinTicket ticket = VoipSign.issue("wx20afc706a711eefc", "room-42", key);
        System.out.println("ticket " + ticket.toJson());
        try {
            VoipSign.sign("wx20afc706a711eefc", "room-42", "8AP6DT9ybtniUJfb", 1559129714000L, key);
        } catch (InputException e) { // an IllegalArgumentException
            System.out.println("error " + e.code());
        }
        System.out.println("native library: " + VoipSign.nativeLibrary());
    }
}
