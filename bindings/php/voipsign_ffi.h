#define FFI_SCOPE "voipsign"
#define FFI_LIB "libvoipsign.so"
// Generated from include/voipsign.h by bindings/php/tools/gen-ffi-header.php: do not edit.
// Regenerate with `make -C bindings/php header`. For php.ini ffi.preload (see README.md).

typedef enum voipsign_status {
  VOIPSIGN_OK = 0,
  VOIPSIGN_INVALID_APP_ID = 1,
  VOIPSIGN_INVALID_GROUP_ID = 2,
  VOIPSIGN_INVALID_NONCE = 3,
  VOIPSIGN_INVALID_TIMESTAMP = 4,
  VOIPSIGN_INVALID_SESSION_KEY = 5,
  VOIPSIGN_INVALID_SIGNATURE = 6,
  VOIPSIGN_NULL_ARGUMENT = 7,
  VOIPSIGN_INVALID_UTF8 = 8,
  VOIPSIGN_BUFFER_TOO_SMALL = 9,
  VOIPSIGN_RNG_FAILURE = 10,
  VOIPSIGN_INTERNAL = 11,
  VOIPSIGN_INVALID_ROOM_TYPE = 12,
  VOIPSIGN_ROOM_FULL = 13,
  VOIPSIGN_DAILY_ROOM_LIMIT = 14,
  VOIPSIGN_NOT_ADMITTED = 15,
  VOIPSIGN_INVALID_MEMBER_ID = 16,
  VOIPSIGN_INVALID_RULES = 17,
  VOIPSIGN_LEDGER_UNAVAILABLE = 18,
  VOIPSIGN_INVALID_REDIS_URL = 19,
  VOIPSIGN_LEDGER_CLOSED = 20,
  VOIPSIGN_MEMBER_DAILY_LIMIT = 21,
  VOIPSIGN_INVALID_LIMIT = 22,
  VOIPSIGN_INVALID_CONTEXT = 23,
} voipsign_status;

typedef enum voipsign_kind {
  VOIPSIGN_KIND_OK = 0,
  VOIPSIGN_KIND_INPUT = 1,
  VOIPSIGN_KIND_REFUSAL = 2,
  VOIPSIGN_KIND_OUTAGE = 3,
  VOIPSIGN_KIND_INTERNAL = 4,
} voipsign_kind;

typedef enum voipsign_spelling {
  VOIPSIGN_SPELLING_SNAKE = 0,
  VOIPSIGN_SPELLING_CAMEL = 1,
} voipsign_spelling;

typedef struct voipsign_ledger voipsign_ledger;

typedef struct voipsign_error {
  enum voipsign_status status;
  size_t message_len;
  char message[256];
} voipsign_error;

typedef struct voipsign_rules {
  int64_t capacity;
  int64_t daily_room_limit;
  int64_t daily_room_warning;
  int64_t member_daily_openings;
  int64_t reserve_ttl_ms;
  int64_t lease_ttl_ms;
  int64_t sync_grace_ms;
  int64_t day_offset_minutes;
  int64_t on_unavailable;
} voipsign_rules;

typedef struct voipsign_admission {
  bool opened;
  bool renewed;
  bool quota_warning;
  bool degraded;
  uint32_t members;
  uint64_t generation;
  uint64_t rooms_today;
  uint64_t daily_room_limit;
  int64_t lease_expires_at;
} voipsign_admission;

typedef struct voipsign_redis_options {
  int64_t connect_timeout_ms;
  int64_t command_timeout_ms;
  const char *key_prefix;
  size_t key_prefix_len;
} voipsign_redis_options;

typedef struct voipsign_usage {
  int64_t day;
  uint64_t openings;
  uint64_t admissions;
  uint64_t renewals;
  uint64_t refused_room_full;
  uint64_t refused_daily_limit;
  uint64_t refused_member_limit;
  uint64_t heartbeats_refused;
  uint64_t leaves;
  uint64_t adopted_by_sync;
  uint64_t removed_by_sync;
  uint64_t expired;
  uint64_t peak_seats;
  int64_t live_rooms;
  int64_t live_seats;
  uint64_t daily_room_limit;
} voipsign_usage;

enum voipsign_status voipsign_sign(const char *app_id,
                                   size_t app_id_len,
                                   const char *group_id,
                                   size_t group_id_len,
                                   const char *nonce_str,
                                   size_t nonce_str_len,
                                   int64_t timestamp,
                                   const char *session_key,
                                   size_t session_key_len,
                                   char *out,
                                   size_t out_cap,
                                   struct voipsign_error *err);

enum voipsign_status voipsign_verify(const char *app_id,
                                     size_t app_id_len,
                                     const char *group_id,
                                     size_t group_id_len,
                                     const char *nonce_str,
                                     size_t nonce_str_len,
                                     int64_t timestamp,
                                     const char *session_key,
                                     size_t session_key_len,
                                     const char *signature,
                                     size_t signature_len,
                                     bool *out_valid,
                                     struct voipsign_error *err);

enum voipsign_status voipsign_canonical(const char *app_id,
                                        size_t app_id_len,
                                        const char *group_id,
                                        size_t group_id_len,
                                        const char *nonce_str,
                                        size_t nonce_str_len,
                                        int64_t timestamp,
                                        char *out,
                                        size_t out_cap,
                                        size_t *out_len,
                                        struct voipsign_error *err);

enum voipsign_status voipsign_issue(const char *app_id,
                                    size_t app_id_len,
                                    const char *group_id,
                                    size_t group_id_len,
                                    const char *session_key,
                                    size_t session_key_len,
                                    const char *room_type,
                                    size_t room_type_len,
                                    char *out,
                                    size_t out_cap,
                                    size_t *out_len,
                                    struct voipsign_error *err);

enum voipsign_status voipsign_sign_many(const char *app_id,
                                        size_t app_id_len,
                                        const char *group_id,
                                        size_t group_id_len,
                                        const char *nonce_str,
                                        size_t nonce_str_len,
                                        int64_t timestamp,
                                        const char *const *session_keys,
                                        const size_t *session_key_lens,
                                        size_t count,
                                        char *out,
                                        size_t out_cap,
                                        struct voipsign_error *err);

enum voipsign_status voipsign_session_signature(const char *session_key,
                                                size_t session_key_len,
                                                const char *body,
                                                size_t body_len,
                                                char *out,
                                                size_t out_cap,
                                                struct voipsign_error *err);

const char *voipsign_status_name(int32_t status);

const char *voipsign_status_message(int32_t status);

const char *voipsign_version(void);

size_t voipsign_signature_len(void);

enum voipsign_status voipsign_diagnose(const char *app_id,
                                       size_t app_id_len,
                                       const char *group_id,
                                       size_t group_id_len,
                                       const char *nonce_str,
                                       size_t nonce_str_len,
                                       int64_t timestamp,
                                       const char *session_key,
                                       size_t session_key_len,
                                       const char *rejected_signature,
                                       size_t rejected_signature_len,
                                       const char *const *other_session_keys,
                                       const size_t *other_session_key_lens,
                                       size_t other_count,
                                       char *out,
                                       size_t out_cap,
                                       size_t *out_len,
                                       struct voipsign_error *err);

enum voipsign_status voipsign_explain(int64_t err_code,
                                      const char *err_msg,
                                      size_t err_msg_len,
                                      char *out,
                                      size_t out_cap,
                                      size_t *out_len,
                                      struct voipsign_error *err);

enum voipsign_status voipsign_explain_with(int64_t err_code,
                                           const char *err_msg,
                                           size_t err_msg_len,
                                           const char *context,
                                           size_t context_len,
                                           int32_t spelling,
                                           char *out,
                                           size_t out_cap,
                                           size_t *out_len,
                                           struct voipsign_error *err);

struct voipsign_rules voipsign_rules_default(void);

enum voipsign_status voipsign_on_unavailable_from_name(const char *name,
                                                       size_t name_len,
                                                       int64_t *out,
                                                       struct voipsign_error *err);

enum voipsign_status voipsign_ledger_new_memory(const struct voipsign_rules *rules,
                                                struct voipsign_ledger **out,
                                                struct voipsign_error *err);

void voipsign_ledger_free(struct voipsign_ledger *ledger);

enum voipsign_status voipsign_ledger_admit(const struct voipsign_ledger *ledger,
                                           const char *app_id,
                                           size_t app_id_len,
                                           const char *group_id,
                                           size_t group_id_len,
                                           const char *member_id,
                                           size_t member_id_len,
                                           int64_t now_ms,
                                           struct voipsign_admission *out,
                                           struct voipsign_error *err);

enum voipsign_status voipsign_ledger_admit_and_issue(const struct voipsign_ledger *ledger,
                                                     const char *app_id,
                                                     size_t app_id_len,
                                                     const char *group_id,
                                                     size_t group_id_len,
                                                     const char *member_id,
                                                     size_t member_id_len,
                                                     const char *session_key,
                                                     size_t session_key_len,
                                                     const char *room_type,
                                                     size_t room_type_len,
                                                     int64_t now_ms,
                                                     struct voipsign_admission *out,
                                                     char *ticket,
                                                     size_t ticket_cap,
                                                     size_t *ticket_len,
                                                     struct voipsign_error *err);

enum voipsign_status voipsign_ledger_heartbeat(const struct voipsign_ledger *ledger,
                                               const char *app_id,
                                               size_t app_id_len,
                                               const char *group_id,
                                               size_t group_id_len,
                                               const char *member_id,
                                               size_t member_id_len,
                                               int64_t now_ms,
                                               int64_t *out_expires,
                                               struct voipsign_error *err);

enum voipsign_status voipsign_ledger_leave(const struct voipsign_ledger *ledger,
                                           const char *app_id,
                                           size_t app_id_len,
                                           const char *group_id,
                                           size_t group_id_len,
                                           const char *member_id,
                                           size_t member_id_len,
                                           int64_t now_ms,
                                           bool *out_removed,
                                           struct voipsign_error *err);

enum voipsign_status voipsign_ledger_sync(const struct voipsign_ledger *ledger,
                                          const char *app_id,
                                          size_t app_id_len,
                                          const char *group_id,
                                          size_t group_id_len,
                                          const char *const *open_ids,
                                          const size_t *open_id_lens,
                                          size_t count,
                                          int64_t now_ms,
                                          char *out,
                                          size_t out_cap,
                                          size_t *out_len,
                                          struct voipsign_error *err);

enum voipsign_status voipsign_ledger_room(const struct voipsign_ledger *ledger,
                                          const char *app_id,
                                          size_t app_id_len,
                                          const char *group_id,
                                          size_t group_id_len,
                                          int64_t now_ms,
                                          char *out,
                                          size_t out_cap,
                                          size_t *out_len,
                                          struct voipsign_error *err);

enum voipsign_kind voipsign_status_kind(int32_t status);

size_t voipsign_room_json_bound(size_t seats);

enum voipsign_status voipsign_ledger_open(const char *redis_url,
                                          size_t redis_url_len,
                                          const char *options,
                                          size_t options_len,
                                          int32_t spelling,
                                          struct voipsign_ledger **out,
                                          struct voipsign_error *err);

struct voipsign_redis_options voipsign_redis_options_default(void);

enum voipsign_status voipsign_ledger_new_redis(const char *url,
                                               size_t url_len,
                                               const struct voipsign_rules *rules,
                                               const struct voipsign_redis_options *options,
                                               struct voipsign_ledger **out,
                                               struct voipsign_error *err);

enum voipsign_status voipsign_ledger_usage(const struct voipsign_ledger *ledger,
                                           const char *app_id,
                                           size_t app_id_len,
                                           int64_t day,
                                           int64_t now_ms,
                                           struct voipsign_usage *out,
                                           struct voipsign_error *err);

size_t voipsign_room_page_json_bound(uint32_t limit);

enum voipsign_status voipsign_ledger_rooms(const struct voipsign_ledger *ledger,
                                           const char *app_id,
                                           size_t app_id_len,
                                           uint32_t limit,
                                           const char *after,
                                           size_t after_len,
                                           int64_t now_ms,
                                           char *out,
                                           size_t out_cap,
                                           size_t *out_len,
                                           struct voipsign_error *err);
