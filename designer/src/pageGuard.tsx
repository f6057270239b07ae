import { Component, type ReactNode } from 'react';
import { t } from './i18n';

/**
 * A page that cannot be shown (its code could not be downloaded without signal, or it failed)
 * says so in place of a blank screen; the header, the outbox banner and the navigation stay.
 */
export class PageGuard extends Component<{ page: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidUpdate(prev: { page: string }): void {
    if (prev.page !== this.props.page && this.state.failed) this.setState({ failed: false });
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="banner error" role="alert">
        {t('pageGuard.thisPageCannotOpenNow')}
        <button className="link" onClick={() => location.reload()}>{t('pageGuard.retry')}</button>
      </div>
    );
  }
}
