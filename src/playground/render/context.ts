/** What the renderer needs to know about the workspace a surface is shown in. */
export interface RenderContext {
  surface: 'message' | 'modal' | 'home';
  /** `<@U…>` → "Ana" (shown as "@Ana"); undefined shows the id. */
  userName(id: string): string | undefined;
  /** `<#C…>` → "approvals" (shown as "#approvals"); undefined shows the id. */
  channelName(id: string): string | undefined;
  /** `<!subteam^S…>` → "approvers" (shown as "@approvers"); undefined shows the id. */
  groupName(id: string): string | undefined;
  /**
   * Optional: everyone a user picker offers. When given, users_select and multi_users_select carry
   * their choices in the page and filter them there; when not, the page's `onSuggest` is asked.
   */
  users?(): ReadonlyArray<{ id: string; name: string }>;
  /** Optional: the conversations conversations_select and channels_select offer (as for `users`). */
  channels?(): ReadonlyArray<{ id: string; name: string }>;
  /** "Now" for `{date_pretty}` and `{ago}` (default: the clock). */
  now?: Date;
  /** The viewer's time zone for dates and date-time pickers (default UTC). */
  timeZone?: string;
}
