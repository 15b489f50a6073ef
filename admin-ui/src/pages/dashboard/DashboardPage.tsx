import { LoadError } from '../../components/PageLoadState.js';
import { useTitle } from '../../components/AdminLayout.js';
import { Icon } from '../../components/Icon.js';
import { Spinner } from '../../components/Spinner.js';
import { useResource } from '../../hooks.js';
import type { DashboardBody, DashboardStats } from '../../../../server/dashboard/schemas.js';
import { AlertsArea, StatsRow } from './DashboardStats.js';
import { PublicAddressNotice, type AddressStatus } from '../../components/PublicAddressNotice.js';
import { FinishSettingUp } from '../start/FinishSettingUp.js';
import { InsightsArea } from './InsightsArea.js';
import { Postbox } from '../../components/Postbox.js';
import { ProgressBar } from '../../components/ProgressBar.js';

export default function DashboardPage() {
  useTitle('Dashboard');
  const { data, error, loading, reload } = useResource<DashboardBody>('/api/admin/dashboard');
  // PUBLIC_URL differs from the address the admin opened Docent at: the widget may point at the wrong place.
  const address = useResource<AddressStatus>('/api/admin/widget/address');
  const stats = useResource<DashboardStats>('/api/admin/dashboard/stats');
  const items = data?.checklist ?? [];
  const done = items.filter((i) => i.done).length;

  return (
    <div class="wrap">
      <h1>Dashboard</h1>
      <FinishSettingUp />
      <PublicAddressNotice status={address.data} dismissibleTunnel />
      {/* Open alerts (prominent, first) and the usage numbers, above the checklist. */}
      <AlertsArea stats={stats} />
      <StatsRow stats={stats} />
      <InsightsArea />
      <div class="dashboard-widgets">
        <Postbox id="checklist-title" title="Setup checklist">
          {loading && !data && (
            <div class="checklist-loading" role="status">
              <Spinner label="Loading the checklist…" />
            </div>
          )}
          {error && <LoadError text="Could not load the checklist" error={error} onRetry={reload} inline />}
          {data && (
            <>
              <div class="checklist-progress">
                <p>
                  {done === items.length
                    ? 'All done: Docent is ready to answer your visitors.'
                    : `${done} of ${items.length} steps done. Finish the steps below to put Docent on your website.`}
                </p>
                <ProgressBar label="Setup progress" value={done} max={items.length} valueText={`${done} of ${items.length} steps done`} />
              </div>
              <ol class="checklist">
                {items.map((item, i) => (
                  <li key={item.id} class={`checklist-item${item.done ? ' is-done' : ''}`} data-step={item.id}>
                    <span class="checklist-icon">
                      <Icon name={item.done ? 'check-circle' : 'circle'} size={24} />
                    </span>
                    <div class="checklist-text">
                      <p class="checklist-label">
                        <span class="screen-reader-text">Step {i + 1}: </span>
                        <a href={item.href}>{item.label}</a>
                        <span class={`checklist-status${item.done ? ' is-done' : ''}`}>{item.done ? 'Done' : 'To do'}</span>
                      </p>
                      <p class="description">{item.detail}</p>
                    </div>
                  </li>
                ))}
              </ol>
            </>
          )}
        </Postbox>
      </div>
    </div>
  );
}
