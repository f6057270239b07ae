/** Filling the relocation process's registration form in the browser, and a photo to attach to it. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { idNumber } from './people';

/** Fills the registration form (the household head's ID number as given). */
export async function fillRegistration(page: Page, headId: string) {
  await page.fill('#root_householder', '李明华');
  await page.fill('#root_idNumber', headId);
  // The one member the form requires is already there (minItems: 1).
  await page.fill('#root_members_0_name', '李明华');
  await page.fill('#root_members_0_idNumber', idNumber());
  await page.selectOption('#root_members_0_relation', '户主');
  await page.check('#root_registeredPoor');
  await page.selectOption('#root_dwelling', '土木结构危房');
  await page.check('text=地质灾害隐患');
  // The household size is computed from the members as they are entered, and cannot be typed over.
  await expect.poll(() => page.inputValue('#root_memberCount')).toBe('1');
  expect(await page.locator('#root_memberCount').getAttribute('readonly')).not.toBeNull();
}

/** A camera-like JPEG (by default a large one, 2400 × 1800, noisy so it does not compress to nothing), drawn by the browser itself. */
export async function cameraPhoto(page: Page, size: { width: number; height: number } = { width: 2400, height: 1800 }): Promise<Buffer> {
  const dataUrl = await page.evaluate(({ width, height }) => {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const g = c.getContext('2d')!;
    const img = g.createImageData(c.width, c.height);
    for (let i = 0; i < img.data.length; i += 4) {
      img.data[i] = (i * 7) % 255;
      img.data[i + 1] = (i * 13) % 251;
      img.data[i + 2] = (i >> 9) % 255;
      img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    return c.toDataURL('image/jpeg', 0.95);
  }, size);
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}
