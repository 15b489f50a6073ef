import type { ComponentChildren } from 'preact';
import { Icon } from './Icon.js';
import './auth-screen.css';

/** Centered box on grey, like the WordPress login screen. */
export function AuthScreen({ children }: { children: ComponentChildren }) {
  return (
    <div class="auth-screen">
      <main class="auth-box">
        <p class="auth-logo">
          <Icon name="logo" size={40} />
          <span>Docent</span>
        </p>
        {children}
      </main>
    </div>
  );
}
