# The README's Python example, run against the installed package.
import voipsign

print(voipsign.sign("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb",
                    1559129714, "gDyVgzwa0mFz9uUP7M6GQQ=="))
ticket = voipsign.issue("wx20afc706a711eefc", "room-42", "gDyVgzwa0mFz9uUP7M6GQQ==")
assert voipsign.verify("wx20afc706a711eefc", "room-42", ticket.nonce_str, ticket.timestamp,
                       "gDyVgzwa0mFz9uUP7M6GQQ==", ticket.signature)
try:
    voipsign.sign("wx20afc706a711eefc", "room-42", "8AP6DT9ybtniUJfb", 1559129714000,
                  "gDyVgzwa0mFz9uUP7M6GQQ==")
except voipsign.InvalidTimestamp as e:
    print("error", e.code)
print("from", voipsign.__file__)
