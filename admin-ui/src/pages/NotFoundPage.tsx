import { useTitle } from '../components/AdminLayout.js';

export default function NotFoundPage() {
  useTitle('Not available');
  return (
    <div class="wrap">
      <h1>Not available yet</h1>
      <div class="postbox">
        <div class="inside">
          <p>This screen is not part of this version of Docent.</p>
          <p>
            <a href="/admin/">Go to the Dashboard</a>
          </p>
        </div>
      </div>
    </div>
  );
}
