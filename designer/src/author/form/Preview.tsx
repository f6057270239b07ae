import { useState } from 'react';
import type { Definition } from '../../../../engine/index';
import { StepForm } from '../../stepForm';
import { t } from '../../i18n';

/** The form exactly as cadres will see it (the same component as the web app), in a phone or a desktop frame. */
export default function Preview({ form }: { form: Definition['forms'][string] }) {
  const [frame, setFrame] = useState<'phone' | 'desktop'>('phone');
  const [data, setData] = useState<unknown>({});
  const [sent, setSent] = useState(false);
  return (
    <div className="preview">
      <div className="preview-head">
        <h3>{t('preview.preview')}</h3>
        <button className={frame === 'phone' ? 'on' : ''} onClick={() => setFrame('phone')}>{t('preview.phone')}</button>
        <button className={frame === 'desktop' ? 'on' : ''} onClick={() => setFrame('desktop')}>{t('preview.desk')}</button>
      </div>
      <div className={`frame ${frame}`} data-testid={`preview-${frame}`}>
        <h3>{form.title}</h3>
        <StepForm schema={form.schema} uiSchema={form.uiSchema as never} formData={data} onChange={(d) => { setData(d); setSent(false); }} onSubmit={() => setSent(true)} submitLabel={t('preview.trySubmitting')} />
        {sent && <p className="banner">{t('preview.noMistakesPreviewNothingSaved')}</p>}
      </div>
    </div>
  );
}
