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
} voipsign_status;

typedef struct voipsign_error {
  enum voipsign_status status;
  size_t message_len;
  char message[256];
} voipsign_error;

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
