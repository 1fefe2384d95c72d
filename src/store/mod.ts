/**
 * The Pidgin profile: where it is, its accounts and buddy list, its chat
 * logs and the names it knows.
 * The only folder that touches the profile directory.
 *
 * @module
 */
export {
  type ChatLog,
  type ChatLogOptions,
  createChatLog,
} from "./chat_log.ts";
export {
  escapeHtml,
  escapeMarkup,
  formatLogEntry,
  formatLogHeader,
  isNotice,
  type LogEntry,
  type LogFormat,
  type LogMessage,
  type LogNotice,
  type LogStyle,
  sendFailureEntry,
} from "./chat_log_format.ts";
export { appendInputHistory, readInputHistory } from "./input_history.ts";
export { localeFromEnv, type LogLocale } from "./log_time.ts";
export { type LoggingPrefs, readLoggingPrefs } from "./logging_prefs.ts";
export {
  conversationLogDir,
  escapeFilename,
  folderName,
  resolvePurpleDir,
} from "./paths.ts";
export {
  type BuddyNames,
  type ProfileNames,
  readProfileNames,
} from "./profile_names.ts";
export { loadZoneNames } from "./zone_names.ts";
export {
  type LoggedEntry,
  oldestLogTime,
  parseHtmlLog,
  parseTxtLog,
  readRecentLog,
} from "./log_reader.ts";
export type { EntryKind } from "./log_bounds.ts";
export {
  accountStatePath,
  type JsonDir,
  type JsonFile,
  openJsonDir,
  openJsonFile,
  readJsonFile,
  type ReadJsonOptions,
  type SetAsideEvent,
  setAsideFile,
  stateDir,
  writeJsonFile,
} from "./json_files.ts";
export { withFileLock } from "./file_lock.ts";
export {
  type LedgerRecord,
  type MessageLedger,
  openMessageLedger,
} from "./message_ledger.ts";
export {
  type AccountSettingEdit,
  AccountsXml,
  bareJidOf,
  defaultAccountOf,
  ENABLED_UI_ORDER,
  FINCH_UI,
  type NewXmppAccount,
  parseAccountsXml,
  PIDGIN_CLI_UI,
  PIDGIN_UI,
  ProfileSyntaxError,
  type PurpleAccount,
  type PurpleSetting,
  serializeAccountsXml,
  type SettingValue,
  XMPP_PROTOCOL,
  type XmppAccount,
} from "./accounts_xml.ts";
export {
  type BlistBuddy,
  type BlistChat,
  BlistXml,
  type BuddyRef,
  DEFAULT_GROUP,
  parseBlistXml,
  PENDING_SETTING,
  type RosterItem,
  type RosterMergeResult,
  serializeBlistXml,
  type Subscription,
  SUBSCRIPTION_SETTING,
  type XmppBuddy,
} from "./blist_xml.ts";
export {
  BACKUP_SUFFIX,
  readAccounts,
  readBuddyList,
  updateAccounts,
  updateBuddyList,
} from "./profile_store.ts";
export {
  type IndexHit,
  type IndexPage,
  type IndexProgress,
  type IndexQuery,
  type LogIndex,
  openLogIndex,
  parseSearchQuery,
  type QueryNode,
  type Rebuilt,
  type UpdateOptions,
  type UpdateResult,
} from "./log_index.ts";
