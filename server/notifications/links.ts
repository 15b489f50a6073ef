// Where links in notifications point. PUBLIC_URL when it is set; otherwise the address the admin saved the
// Notifications settings from (http://localhost:PORT, the fallback, is never right for a link in an e-mail read
// elsewhere). See server/http/public-address.ts for the other places Docent's address is used.
import type { Config } from '../config.js';
import type { NotificationSettings } from './settings.js';

export function publicAddressFor(config: Pick<Config, 'publicUrl' | 'publicUrlSet'>, settings: Pick<NotificationSettings, 'linkBase'>): string {
  if (config.publicUrlSet) return config.publicUrl;
  return settings.linkBase ?? config.publicUrl;
}
