// Notifications → What to send: which event goes by e-mail and which by webhook.
import type { Channel } from '../../../../../server/notifications/schemas.js';
import { Postbox } from '../../../components/Postbox.js';
import type { SectionProps } from './form.js';

export function EventRoutes({ f, saved, set, busy }: SectionProps) {
  function onRoute(type: string, channel: Channel, on: boolean) {
    set({ events: { ...f.events, [type]: { ...f.events[type], [channel]: on } } });
  }

  return (
    <Postbox id="ntf-events-title" title="What to send">
      <p class="description ntf-events-intro">
        An event goes to a channel when it is ticked here and the channel is on above.
        {!f.emailEnabled && !f.webhookEnabled && ' Both channels are off: nothing is sent yet.'}
      </p>
      <table class="ntf-table ntf-routes">
        <caption class="screen-reader-text">Which events go by e-mail and which by webhook</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col" class="ntf-col-check">
              E-mail
            </th>
            <th scope="col" class="ntf-col-check">
              Webhook
            </th>
          </tr>
        </thead>
        <tbody>
          {saved.catalogue.map((event) => (
            <tr key={event.type}>
              <th scope="row">
                <span class="ntf-event-label" id={`ntf-event-${event.type}`}>
                  {event.label}
                </span>
                <span class="ntf-event-description" id={`ntf-event-${event.type}-description`}>
                  {event.description}
                </span>
              </th>
              {(['email', 'webhook'] as const).map((channel) => (
                <td class="ntf-col-check" key={channel}>
                  <input
                    type="checkbox"
                    id={`ntf-route-${event.type}-${channel}`}
                    checked={!!f.events[event.type]?.[channel]}
                    disabled={busy}
                    aria-label={`${event.label} by ${channel === 'email' ? 'e-mail' : 'webhook'}`}
                    aria-describedby={`ntf-event-${event.type}-description`}
                    onChange={(e) => onRoute(event.type, channel, e.currentTarget.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Postbox>
  );
}
